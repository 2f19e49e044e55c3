"""Online auctions (网络竞价): modes as pure functions, bidders, bids, deposits (保证金), the close and the
成交公示. See :mod:`techmarket.trading.auctions.modes` for the rules of each mode."""
