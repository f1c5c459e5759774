"""Product backlogs and prioritisation rounds."""
