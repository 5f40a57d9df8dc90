"""Tasks (nhiệm vụ): the directives of a meeting, their deadlines, working days and reporting
cadence.
"""
