// The package's version (package.json "version"; a test keeps them equal): the default tag of the OCI image
// `oci` writes and of the image reference `render` puts in the manifests.
export const VERSION = "0.1.0";
