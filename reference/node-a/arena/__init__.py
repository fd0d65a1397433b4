"""arena on node A (registry): the runbook's registry and challenge verbs."""
