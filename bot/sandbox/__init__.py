"""A local stand-in for Telegram: fake Bot API, transport, HTTP front and test client."""
