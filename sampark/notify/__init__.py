"""Staff notifications: one inbox per user, delivered by push, Telegram, SMS or e-mail (issue #13)."""
