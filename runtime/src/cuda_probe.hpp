// Whether CUDA variants can run here: a driver and at least one device.
#pragma once

#include <string>

namespace attnforge::detail {

// "" when a CUDA device is present; otherwise why not ("no CUDA device (...)").
// Probed once per process through the driver library, loaded at run time so
// libattnforge itself never depends on CUDA.
const std::string &cuda_unavailable_reason();

} // namespace attnforge::detail
