"""Telephony adapters behind one interface (issue #15): Exotel's click-to-call and Asterisk ARI."""
