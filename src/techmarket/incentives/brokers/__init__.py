"""Technology brokers (技术经纪人): the registry, contracts attributed to them with their share, and their reward
computed by the ``broker-reward`` calculator over the stored rule set (clause (十一), POLICY.md §2.5)."""
