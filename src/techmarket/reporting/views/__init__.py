"""The reporting pages: statistics (public and staff), yearly 盟市 reports, the register of bodies and targets."""
