"""ctpairs: counterfactual pairs from ClinicalTrials.gov results."""

__version__ = "0.1.0"
