"""Documents: inspecting uploads, storing them privately, packing the upload set."""
