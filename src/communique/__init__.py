"""communique: news articles to political event data."""
