"""arena: the reference CTF-style platform fleetgate ships with and tests itself against."""
