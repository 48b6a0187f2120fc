"""The Textual interface. Domain packages never import from here."""
