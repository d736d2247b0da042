"""The conversation: state, intent router, fact extraction, offline and LLM answer writers, guards, saved chats."""
