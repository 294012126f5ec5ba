"""Targeting: where the next pound should go. Harm-weighted rankings with rank intervals, near repeats (Knox), repeat locations. Start at :func:`vawg.targeting.analysis.targeting`."""
