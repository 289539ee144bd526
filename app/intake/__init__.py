"""Registering a child: the day a child guidance centre takes a case in."""
