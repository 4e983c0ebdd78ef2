"""newsbot: answers questions about news articles with verbatim, sourced quotes."""
