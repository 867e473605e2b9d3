"""Administration: statistics of the business."""
