"""The web portal: server-rendered pages for health workers, case managers, providers, admins."""
