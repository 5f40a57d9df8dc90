"""Shared web plumbing above the models: page-or-fragment rendering, pagination, forms, error
pages.
"""
