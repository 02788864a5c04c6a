package cmdutil

// The CIAM client's secrets, for the commands that talk OAuth to the brand's
// CIAM (token fetch, flow logout): only ever from the environment (or a
// prompt on a terminal), never flags, which end up in shell history and
// process lists.
const (
	// EnvCIAMClientSecret is a confidential client's secret.
	EnvCIAMClientSecret = "CIAMCTL_CIAM_CLIENT_SECRET"
	// EnvCIAMPassword is the user's password for token fetch's password flow.
	EnvCIAMPassword = "CIAMCTL_CIAM_PASSWORD"
)
