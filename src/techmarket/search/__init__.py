"""Search: one tokenizer (jieba + domain dictionary), one backend protocol, two real backends.

This package knows no domain: domains register the types they index (:mod:`techmarket.search.registry`).
"""
