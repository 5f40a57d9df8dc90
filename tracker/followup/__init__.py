"""Follow-up (đôn đốc, kiểm tra): completion reports, extension requests (gia hạn), urges,
reassignment and the leader's queues.
"""
