"""The self-service writes: one transaction each, eligibility re-checked under the order lock."""
