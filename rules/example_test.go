package rules_test

import (
	"context"
	"fmt"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// An individual in Henan drafts a website whose name uses a word the Henan
// bureau refuses. The draft check (no remote look-ups) says so before
// anyone waits for a reviewer.
func ExampleCheck() {
	person := beian.Person{Name: "林小舟", CertificateType: beian.CertResidentID, CertificateNumber: "41010219900817023X"}
	order := &beian.Order{
		Type:     beian.FirstFiling,
		Province: "41",
		Snapshot: beian.Snapshot{
			Subject: beian.Subject{Province: "41", Nature: beian.NatureIndividual, Name: "林小舟",
				CertificateType: beian.CertResidentID, CertificateNumber: "41010219900817023X", Principal: person},
			Websites: []beian.Website{{Name: "小舟设计随笔", Domains: []string{"xiaozhou.cn"}, ServiceContent: []string{"博客/个人空间"}, Principal: person}},
		},
	}
	res := rules.Check(context.Background(), rules.Input{Order: order, CheckDate: beian.NewDate(2025, 3, 1), Mode: rules.ModeDraft})
	for _, f := range res.ByRule("SITE-NAME-INDIVIDUAL-WORD") {
		fmt.Println(f.Severity, f.Field)
		fmt.Println(f.Reason.ZH)
		fmt.Println(f.Reason.EN)
	}
	fmt.Println("blocking:", res.Blocking())
	// Output:
	// blocking websites[0].name
	// 个人网站名称「小舟设计随笔」含有河南管局禁用词「设计」。
	// Individual site name “小舟设计随笔” contains “设计”, which the Henan bureau forbids.
	// blocking: true
}

// An administrator lowers Guangdong's minimum age without a rebuild;
// values are type-checked.
func ExampleNewOverrides() {
	_, err := rules.ParseOverrides([]byte(`{"44": {"person.min_age": "eighteen"}}`))
	fmt.Println(beian.ErrorMessage(beian.LangEN, err))
	o, _ := rules.ParseOverrides([]byte(`{"44": {"person.min_age": 18}}`))
	p, _ := o.Pack("44")
	fmt.Println(p.MinAge, p.Source("person.min_age"))
	// Output:
	// Bad value for 44.person.min_age in the rule-pack overrides: want a whole number from 0 to 10000
	// 18 admin override
}
