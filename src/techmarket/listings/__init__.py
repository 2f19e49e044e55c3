"""Listings: technology achievements (科技成果) and demands (技术需求), from draft to moderation and expiry."""
