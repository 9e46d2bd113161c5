"""Reading free-text messages: one interface, an offline engine, an LLM engine, and both together."""
