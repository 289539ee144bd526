"""Taking data out of the portal: spreadsheets that are safe to open (no cell runs as a formula)."""
