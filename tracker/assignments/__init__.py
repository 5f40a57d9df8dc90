"""Work on one assignment (giao việc): its page, status workflow, progress reports, evidence files
and timeline.
"""
