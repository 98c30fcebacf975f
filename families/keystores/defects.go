package keystores

import (
	"fmt"

	"github.com/kmsconform/kmsconform/scenario"
)

// proxyDefectNamed returns the XKS proxy or external key defect a step names.
func proxyDefectNamed(text string) (scenario.Defect, error) {
	return defectNamed(text, "XKS proxy", scenario.ProxyUnreachable, scenario.ProxyBadTLS, scenario.ProxyTimesOut, scenario.ProxyMisconfigured,
		scenario.ProxyDeniesKMS, scenario.ProxyInvalidResponses, scenario.ProxyNoKeyManager, scenario.ProxyCredentialRotated, scenario.ProxyDeleted,
		scenario.VPCServiceInvalid, scenario.ExternalKeyDisabled, scenario.ExternalKeyNotAES256, scenario.ExternalKeyNoEncryption, scenario.ExternalKeyDeleted)
}

// clusterDefectNamed returns the CloudHSM cluster defect a step names.
func clusterDefectNamed(text string) (scenario.Defect, error) {
	return defectNamed(text, "CloudHSM cluster", scenario.ClusterInactive, scenario.ClusterNoActiveHSM, scenario.ClusterOneActiveHSM,
		scenario.ClusterOneZone, scenario.ClusterSecurityGroup, scenario.ClusterSubnetDeleted, scenario.ClusterSubnetFull, scenario.ClusterDeleted,
		scenario.KmsuserMissing, scenario.KmsuserLockedOut, scenario.KmsuserLoggedIn, scenario.KmsuserPasswordChanged)
}

// checkDefect is the stepdef.Check of the steps that name a defect of
// either kind of backing.
func checkDefect(args []string) error {
	text := args[len(args)-1]
	if _, err := clusterDefectNamed(text); err == nil {
		return nil
	}
	_, err := proxyDefectNamed(text)
	return err
}

// checkClusterDefect and checkProxyDefect check a step that names a defect
// of one kind of backing.
func checkClusterDefect(args []string) error {
	_, err := clusterDefectNamed(args[len(args)-1])
	return err
}

func checkProxyDefect(args []string) error {
	_, err := proxyDefectNamed(args[len(args)-1])
	return err
}

// defectNamed returns the defect a step names, if it is one of those listed.
func defectNamed(text, backing string, among ...scenario.Defect) (scenario.Defect, error) {
	for _, d := range among {
		if string(d) == text {
			return d, nil
		}
	}
	return "", fmt.Errorf("%q is not a %s defect the control API knows", text, backing)
}
