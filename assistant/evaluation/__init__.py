"""Fixed-question evaluation: the metrics of shared/eval/README.md and the runner behind `policyqa eval`."""
