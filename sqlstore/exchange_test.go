package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

func TestBureauConnectionSecrets(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		db := openTestDB(t, d)
		ctx := context.Background()
		c := &beian.BureauConnection{ID: "11", Province: "11", Endpoint: "http://127.0.0.1:1", ISPID: 110000000211, UserName: "u",
			Password: "口令-secret", AESKey: "0123456789abcdef", AESIV: "fedcba9876543210", Enabled: true}
		db.update(t, func(tx beian.Tx) error { return tx.PutBureauConnection(ctx, c) })
		// The secrets never reach a column in clear.
		for _, row := range db.rawRows(t, `SELECT secrets_enc FROM bureau_connections`) {
			if strings.Contains(row, "口令") || strings.Contains(row, "0123456789abcdef") {
				t.Fatalf("secrets stored in clear: %s", row)
			}
		}
		db.update(t, func(tx beian.Tx) error {
			got, err := tx.FindBureauConnection(ctx, "11", true)
			if err != nil {
				return err
			}
			if got.Password != c.Password || got.AESKey != c.AESKey || got.AESIV != c.AESIV || got.NextSequence != 1 || !got.Enabled {
				t.Errorf("connection read back as %+v", got)
			}
			got.NextSequence, got.AcceptedSequence, got.NeedsResync = 7, 6, true
			return tx.UpdateBureauConnectionState(ctx, got)
		})
		// Reconfiguring keeps the exchange state.
		c.Endpoint = "http://127.0.0.1:2"
		db.update(t, func(tx beian.Tx) error { return tx.PutBureauConnection(ctx, c) })
		db.view(t, func(tx beian.Tx) error {
			got, err := tx.FindBureauConnection(ctx, "11", false)
			if err != nil {
				return err
			}
			if got.Endpoint != c.Endpoint || got.NextSequence != 7 || got.AcceptedSequence != 6 || !got.NeedsResync {
				t.Errorf("after reconfiguration: %+v", got)
			}
			return nil
		})
	})
}

func TestLeases(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		db := openTestDB(t, d)
		ctx := context.Background()
		var a beian.Lease
		db.update(t, func(tx beian.Tx) (err error) {
			a, err = tx.TakeLease(ctx, "11", beian.LeaseUpload, "a", time.Minute)
			return err
		})
		err := db.Update(ctx, func(tx beian.Tx) error {
			_, err := tx.TakeLease(ctx, "11", beian.LeaseUpload, "b", time.Minute)
			return err
		})
		wantCode(t, err, beian.ECONFLICT, "bureau.lease.busy")
		// Another purpose is another lease.
		db.update(t, func(tx beian.Tx) error {
			_, err := tx.TakeLease(ctx, "11", beian.LeaseDownload, "b", time.Minute)
			return err
		})
		// Renewal keeps the token.
		db.update(t, func(tx beian.Tx) error {
			again, err := tx.TakeLease(ctx, "11", beian.LeaseUpload, "a", time.Minute)
			if err == nil && again.Token != a.Token {
				t.Errorf("renewal changed the token %d → %d", a.Token, again.Token)
			}
			return err
		})
		db.Clock.Add(2 * time.Minute)
		var b beian.Lease
		db.update(t, func(tx beian.Tx) (err error) {
			b, err = tx.TakeLease(ctx, "11", beian.LeaseUpload, "b", time.Minute)
			return err
		})
		if b.Token <= a.Token {
			t.Errorf("token did not grow on take-over: %d → %d", a.Token, b.Token)
		}
		// The first owner's writes are fenced off.
		err = db.Update(ctx, func(tx beian.Tx) error { _, err := tx.CheckLease(ctx, a, time.Minute); return err })
		wantCode(t, err, beian.ECONFLICT, "bureau.lease.lost")
		db.update(t, func(tx beian.Tx) error { _, err := tx.CheckLease(ctx, b, time.Minute); return err })
		db.update(t, func(tx beian.Tx) error { return tx.ReleaseLease(ctx, a) }) // a no-op
		err = db.Update(ctx, func(tx beian.Tx) error {
			_, err := tx.TakeLease(ctx, "11", beian.LeaseUpload, "c", time.Minute)
			return err
		})
		wantCode(t, err, beian.ECONFLICT, "bureau.lease.busy")
		db.update(t, func(tx beian.Tx) error { return tx.ReleaseLease(ctx, b) })
		db.update(t, func(tx beian.Tx) error {
			_, err := tx.TakeLease(ctx, "11", beian.LeaseUpload, "c", time.Minute)
			return err
		})
	})
}

func TestBureauObjectsAndOperations(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		db := openTestDB(t, d)
		ctx := context.Background()
		db.update(t, func(tx beian.Tx) error {
			a := &beian.BureauObject{ConnectionID: "11", Kind: beian.ObjectSubject, OrderID: "o1", Ref: "subject"}
			if err := tx.PutBureauObject(ctx, a); err != nil {
				return err
			}
			again := &beian.BureauObject{ConnectionID: "11", Kind: beian.ObjectSubject, OrderID: "o1", Ref: "subject"}
			if err := tx.PutBureauObject(ctx, again); err != nil {
				return err
			}
			b := &beian.BureauObject{ConnectionID: "11", Kind: beian.ObjectService, OrderID: "o1", Ref: "site-1"}
			if err := tx.PutBureauObject(ctx, b); err != nil {
				return err
			}
			if a.ISPID <= 0 || again.ISPID != a.ISPID || b.ISPID == a.ISPID {
				t.Errorf("IDs %d %d %d", a.ISPID, again.ISPID, b.ISPID)
			}
			a.RecordID, a.BureauID = "rec-1", 100042
			if err := tx.UpdateBureauObject(ctx, a); err != nil {
				return err
			}
			got, err := tx.FindBureauObjects(ctx, beian.BureauObjectFilter{Kind: beian.ObjectSubject, BureauID: 100042})
			if err != nil || len(got) != 1 || got[0].RecordID != "rec-1" || got[0].ISPID != a.ISPID {
				t.Errorf("by bureau ID: %+v %v", got, err)
			}

			op := &beian.BureauOperation{ConnectionID: "11", OrderID: "o1", Kind: beian.UploadXZBA, Czlx: 1, Bs: "42",
				Record: []byte(`{"Dwmc":"张三"}`), State: beian.OpPending}
			if err := tx.CreateBureauOperation(ctx, op); err != nil {
				return err
			}
			op.State, op.FileSeq, op.ResultCode, op.Opinion = beian.OpRejected, 3, 1002, "网站名称不符合要求"
			if err := tx.UpdateBureauOperation(ctx, op); err != nil {
				return err
			}
			ops, err := tx.FindBureauOperations(ctx, beian.BureauOperationFilter{ConnectionID: "11", Czlx: 1, Bs: "42"})
			if err != nil || len(ops) != 1 || string(ops[0].Record) != `{"Dwmc":"张三"}` || ops[0].Opinion != op.Opinion || ops[0].FileSeq != 3 {
				t.Errorf("operation read back: %+v %v", ops, err)
			}
			return nil
		})
		for _, row := range db.rawRows(t, `SELECT record_enc FROM bureau_operations`) {
			if strings.Contains(row, "张三") {
				t.Fatal("operation record stored in clear")
			}
		}
	})
}

func TestUploadAndDownloadFiles(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		db := openTestDB(t, d)
		ctx := context.Background()
		f := &beian.UploadFile{ConnectionID: "11", Seq: 1, Name: "x_1.xml", BlobKey: "k", Hash: "h", Records: 2, Size: 10, State: beian.FileRecorded}
		db.update(t, func(tx beian.Tx) error { return tx.CreateUploadFile(ctx, f) })
		err := db.Update(ctx, func(tx beian.Tx) error {
			return tx.CreateUploadFile(ctx, &beian.UploadFile{ConnectionID: "11", Seq: 1, Name: "y", BlobKey: "k2", Hash: "h2", State: beian.FileRecorded})
		})
		wantCode(t, err, beian.ECONFLICT, "bureau.upload_file.duplicate")
		// A rejected file gives its sequence back.
		f.State = beian.FileRejected
		db.update(t, func(tx beian.Tx) error { return tx.UpdateUploadFile(ctx, f) })
		db.update(t, func(tx beian.Tx) error {
			return tx.CreateUploadFile(ctx, &beian.UploadFile{ConnectionID: "11", Seq: 1, Name: "y", BlobKey: "k2", Hash: "h2", State: beian.FileRecorded})
		})
		db.view(t, func(tx beian.Tx) error {
			fs, err := tx.FindUploadFiles(ctx, beian.UploadFileFilter{ConnectionID: "11", States: []beian.UploadFileState{beian.FileRecorded}})
			if err != nil || len(fs) != 1 || fs[0].Name != "y" {
				t.Errorf("recorded files: %+v %v", fs, err)
			}
			return err
		})

		df := &beian.DownloadFile{ConnectionID: "11", Name: "a.xml", Hash: "H", BlobKey: "b", Size: 3, Kinds: []string{"BAJG", "BASJ"}}
		db.update(t, func(tx beian.Tx) error { return tx.CreateDownloadFile(ctx, df) })
		err = db.Update(ctx, func(tx beian.Tx) error {
			return tx.CreateDownloadFile(ctx, &beian.DownloadFile{ConnectionID: "11", Name: "a.xml", Hash: "H", BlobKey: "b"})
		})
		wantCode(t, err, beian.ECONFLICT, "bureau.download.duplicate")
		db.update(t, func(tx beian.Tx) error {
			if _, err := tx.DownloadItem(ctx, df.ID, 0); beian.ErrorCode(err) != beian.ENOTFOUND {
				t.Errorf("untried item: %v", err)
			}
			if err := tx.PutDownloadItem(ctx, &beian.DownloadItem{FileID: df.ID, Index: 0, Kind: "BAJG", Attempts: 1, Error: "x"}); err != nil {
				return err
			}
			if err := tx.PutDownloadItem(ctx, &beian.DownloadItem{FileID: df.ID, Index: 0, Kind: "BAJG", Done: true, Attempts: 2}); err != nil {
				return err
			}
			it, err := tx.DownloadItem(ctx, df.ID, 0)
			if err != nil || !it.Done || it.Attempts != 2 || it.Error != "" {
				t.Errorf("item: %+v %v", it, err)
			}
			got, err := tx.FindDownloadFile(ctx, "11", "a.xml", "H")
			if err != nil || strings.Join(got.Kinds, ",") != "BAJG,BASJ" || got.Deliveries != 1 {
				t.Errorf("download file: %+v %v", got, err)
			}
			return nil
		})
	})
}

func TestBlacklistCodeTablesPasswords(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		db := openTestDB(t, d)
		ctx := context.Background()
		db.update(t, func(tx beian.Tx) error {
			for _, e := range []beian.BlacklistEntry{
				{Kind: beian.BlacklistSubject, Value: "11010119900307451x", Name: "张三", Source: "HMDLB"},
				{Kind: beian.BlacklistDomain, Value: "Bad.Example.CN.", Source: "HMDLB"},
			} {
				if err := tx.PutBlacklistEntry(ctx, &e); err != nil {
					return err
				}
			}
			for _, q := range []struct {
				kind  beian.BlacklistKind
				value string
				want  bool
			}{
				{beian.BlacklistSubject, "11010119900307451X", true},
				{beian.BlacklistDomain, "bad.example.cn", true},
				{beian.BlacklistDomain, "good.example.cn", false},
			} {
				if got, err := tx.Blacklisted(ctx, q.kind, q.value); err != nil || got != q.want {
					t.Errorf("Blacklisted(%s, %s) = %v %v", q.kind, q.value, got, err)
				}
			}
			if err := tx.RemoveBlacklistEntry(ctx, beian.BlacklistDomain, "bad.example.cn"); err != nil {
				return err
			}
			if got, _ := tx.Blacklisted(ctx, beian.BlacklistDomain, "bad.example.cn"); got {
				t.Error("removed domain still listed")
			}

			var regions []beian.CodeEntry
			for i := range 450 {
				regions = append(regions, beian.CodeEntry{ID: int64(110000 + i), Name: "区", Parent: 3, Valid: true})
			}
			if err := tx.ReplaceCodeTable(ctx, "11", "qy", regions); err != nil {
				return err
			}
			if err := tx.ReplaceCodeTable(ctx, "11", "dwxz", []beian.CodeEntry{{ID: 4, Name: "企业", Valid: true}, {ID: 5, Name: "个人"}}); err != nil {
				return err
			}
			got, err := tx.CodeTable(ctx, "11", "qy")
			if err != nil || len(got) != 450 {
				t.Errorf("regions: %d %v", len(got), err)
			}
			got, err = tx.CodeTable(ctx, "11", "dwxz")
			if err != nil || len(got) != 2 || got[0].Name != "企业" || !got[0].Valid || got[1].Valid {
				t.Errorf("natures: %+v %v", got, err)
			}

			if pw, err := tx.FilingPassword(ctx, "s1"); err != nil || pw != "" {
				t.Errorf("unknown password: %q %v", pw, err)
			}
			if err := tx.SetFilingPassword(ctx, "s1", "Ab3dE5gH"); err != nil {
				return err
			}
			if pw, err := tx.FilingPassword(ctx, "s1"); err != nil || pw != "Ab3dE5gH" {
				t.Errorf("password: %q %v", pw, err)
			}
			return nil
		})
		for _, row := range db.rawRows(t, `SELECT value_enc, value_key FROM bureau_blacklist`) {
			if strings.Contains(strings.ToUpper(row), "11010119900307451X") {
				t.Fatal("blacklisted certificate stored in clear")
			}
		}
	})
}
