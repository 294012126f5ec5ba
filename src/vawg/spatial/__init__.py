"""Where: spatial weights between LSOAs, Getis-Ord G* hot spots and crime concentration.

Start at :func:`vawg.spatial.analysis.hotspot_analysis`, which runs them all on the store;
:func:`vawg.spatial.mainpoints.hotspot_main_points` chooses what its main points say.
"""
