"""policy-qa: answers about Chinese government speeches, with cited passages."""
