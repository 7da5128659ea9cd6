"""Use cases shared by the HTTP API, the event handlers and the timers."""
