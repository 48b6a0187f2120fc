"""The learner's study settings, with the defaults prep ships."""

from __future__ import annotations

from dataclasses import dataclass

from prep.scheduling.days import DEFAULT_ROLLOVER_HOUR
from prep.scheduling.memory import SchedulerConfig
from prep.scheduling.queue import QueueSettings


@dataclass(frozen=True)
class Settings:
    desired_retention: float = 0.9
    new_per_day: int = 20
    maximum_interval_days: int = 36500
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR

    def scheduler_config(self) -> SchedulerConfig:
        return SchedulerConfig(
            desired_retention=self.desired_retention,
            maximum_interval_days=self.maximum_interval_days,
        )

    def queue_settings(self) -> QueueSettings:
        return QueueSettings(new_per_day=self.new_per_day)
