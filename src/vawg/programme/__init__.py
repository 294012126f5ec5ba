"""Programme evaluation: did the perpetrator programme reduce reoffending? Matched comparison, Kaplan-Meier, Cox. Start at :func:`vawg.programme.analysis.programme_evaluation`."""
