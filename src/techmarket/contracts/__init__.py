"""Technology contracts and their registration (技术合同认定登记), POLICY.md §3, and the yearly statement."""
