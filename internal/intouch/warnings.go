package intouch

// WarningMeaning says, for people, what a documented warning code means for the call that returned it
// ("" for codes the client gives no meaning to). The platform's own message is shown beside it.
func WarningMeaning(code int) string {
	switch code {
	case CodeMergedAcrossSrc:
		return "the identifiers matched a customer of another source: the profile joined that customer (createdId)"
	case CodeMergingWithUser:
		return "the identifier belonged to another customer: the two were merged, and createdId is the survivor"
	case CodeMergedCustomer:
		return "the customer asked for was merged into another one; the answer is the survivor's"
	case CodeInvalidEmail:
		return "the email was invalid and was left out"
	case CodeInvalidMobile:
		return "the mobile was invalid and was left out"
	case CodeNoValidChange:
		return "the platform found nothing to change: no identifier was added or removed"
	case CodeMobileAttached:
		return "the customer already has this mobile: nothing to change"
	case CodeEmailAttached:
		return "the customer already has this email: nothing to change"
	case CodeExternalAttached:
		return "the customer already has this external id: nothing to change"
	case CodeChangeAmbiguous:
		return "change failed: the identifier is held in several sources by different customers, so the platform cannot tell which to merge with (resolve it in Member Care)"
	}
	return ""
}

// ChangeFailed reports the identifier-change warnings that mean the change was not made although the call
// answered 200: 8070 (nothing valid to change) and 8074 (identifier held by several customers).
func ChangeFailed(warnings []Item) bool {
	return hasCode(warnings, CodeNoValidChange, CodeChangeAmbiguous)
}
