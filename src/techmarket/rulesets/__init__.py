"""The web and storage side of the policy engine: stored rule sets, saved calculations, the policy pages.

Names: :mod:`techmarket.policy` is the pure engine (the calculators of POLICY.md §2, no database, no Flask);
this package, ``rulesets``, is named after what it stores -- the rule-set versions the operator edits (every
edit a new version) and the calculations an organisation saves with the versions that produced them -- and
serves the policy pages. Everything a user or a link sees is called "policy": the URLs /policy and
/api/v1/policy, the blueprint and its endpoints ``policy.*``, the templates in ``templates/policy/``, the
CLI ``techmarket policy``, the nav entry "Policy calculators" (政策计算器).
"""
