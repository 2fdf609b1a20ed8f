"""Where study records come from: the ClinicalTrials.gov API, files, the bundled sample."""
