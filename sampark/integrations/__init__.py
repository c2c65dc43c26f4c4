"""Clients of outside services (plain modules, not Django apps): listening connectors and the
Telegram bot. Each connector turns one poll into `pipeline.types.FetchResult`."""
