"""Organisations: unified social credit code, region, type, policy facts, membership, verification."""
