"""Drawings of answers, below both screens: the body picture the kiosk shows and the workspace
prints (it draws answers; it is no screen). Imports only Pillow and the standard library."""

from drawing import bodymap

__all__ = ["bodymap"]
