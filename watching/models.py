from watching.capture_models import Capture, CaptureStatus, CaptureTrigger  # noqa: F401
