"""Place evaluation: did a Safer Streets intervention work? Difference-in-differences, synthetic control, displacement, cost. Start at :func:`vawg.evaluation.analysis.place_evaluation`."""
