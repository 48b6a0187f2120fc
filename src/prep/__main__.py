from prep.cli.commands import main

raise SystemExit(main())
