"""Trading (交易): negotiation of offers, 挂牌 listed-price sales with intended-buyer registration, and deals.

A concluded deal raises ``deal.concluded``; the contracts domain (above) listens and drafts the contract.
"""
