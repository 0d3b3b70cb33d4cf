"""Generated answers: the chat models (local llama.cpp, any OpenAI-compatible server) and their citing."""
