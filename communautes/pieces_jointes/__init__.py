"""Attachments of publications and replies: content checks, writes, membership-checked download."""
