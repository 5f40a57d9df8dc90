"""Overview: the home page per role, the leader's table of units by timeliness, a unit's work page
and their counts.
"""
