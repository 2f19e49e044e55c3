"""techmarket: the web platform of the Inner Mongolia Technology Market (内蒙古科技大市场)."""
