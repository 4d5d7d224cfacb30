"""Personal data rights: export of one's data, account deletion with a grace period, retention."""
